"""The published skills taxonomy applicants choose from."""
from flask_smorest import Blueprint

from domainkit.skills import SKILLS
from intake.entrypoints.schemas import SkillSchema

blp = Blueprint("skills", __name__, url_prefix="/api/v1/skills", description="The skills taxonomy")


@blp.route("")
@blp.response(200, SkillSchema(many=True))
def list_skills():
    """Every skill an application may name, with its category."""
    return [{"slug": s.slug, "name": s.name, "category": s.category} for s in SKILLS]

"""The published skills taxonomy: what applicants choose from and the directory filters by."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    category: str


_TAXONOMY = {
    "Software development": [
        ("web-development", "Web development"), ("frontend-development", "Front-end development"),
        ("backend-development", "Back-end development"), ("mobile-app-development", "Mobile app development"),
        ("python", "Python"), ("javascript", "JavaScript"), ("php-laravel", "PHP / Laravel"),
        ("wordpress", "WordPress"), ("shopify", "Shopify"), ("game-development", "Game development"),
        ("devops-cloud", "DevOps and cloud"), ("qa-testing", "QA and testing"),
        ("blockchain", "Blockchain"), ("cybersecurity", "Cybersecurity"),
    ],
    "Design and creative": [
        ("graphic-design", "Graphic design"), ("ui-ux-design", "UI/UX design"), ("logo-branding", "Logo and branding"),
        ("illustration", "Illustration"), ("3d-modelling", "3D modelling and rendering"),
    ],
    "Writing and translation": [
        ("content-writing", "Content writing"), ("copywriting", "Copywriting"), ("technical-writing", "Technical writing"),
        ("translation-urdu-english", "Urdu–English translation"), ("proofreading", "Proofreading and editing"),
    ],
    "Digital marketing": [
        ("seo", "Search engine optimisation"), ("social-media-marketing", "Social media marketing"),
        ("ppc-advertising", "Pay-per-click advertising"), ("email-marketing", "Email marketing"),
    ],
    "Video and audio": [
        ("video-editing", "Video editing"), ("animation", "Animation and motion graphics"),
        ("voice-over", "Voice-over"), ("audio-production", "Audio production"),
    ],
    "Data and AI": [
        ("data-analysis", "Data analysis"), ("data-entry", "Data entry"), ("machine-learning", "Machine learning"),
        ("data-engineering", "Data engineering"), ("excel-power-bi", "Excel and Power BI"),
    ],
    "Virtual assistance and support": [
        ("virtual-assistant", "Virtual assistant"), ("customer-support", "Customer support"),
        ("project-management", "Project management"), ("bookkeeping", "Bookkeeping and accounting"),
    ],
    "E-commerce": [
        ("amazon-fba", "Amazon FBA"), ("ecommerce-management", "E-commerce store management"),
    ],
}

SKILLS = tuple(Skill(slug, name, category) for category, items in _TAXONOMY.items() for slug, name in items)
SKILLS_BY_SLUG = {skill.slug: skill for skill in SKILLS}
assert len(SKILLS_BY_SLUG) == len(SKILLS), "skill slugs must be unique"

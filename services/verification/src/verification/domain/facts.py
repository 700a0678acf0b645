"""What verification knows about an application: the public part and the unsealed personal part."""
import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class ApplicationFacts:
    application_id: str
    full_name: str
    cnic: str
    date_of_birth: dt.date
    gender: str
    province: str
    city: str
    email: str
    mobile: str
    platforms: tuple[tuple[str, str], ...]  # (platform, profile_url)
    language: str
    # the contact details as intake sealed them for notification (under the applicant's contact key, which
    # verification cannot open): forwarded in decisions as they are; None for applications of earlier versions
    sealed_contact: str | None = None

    @classmethod
    def from_event(cls, payload: dict, private: dict) -> "ApplicationFacts":
        public = payload["public"]
        return cls(
            application_id=payload["application_id"],
            full_name=public["full_name"],
            cnic=private["cnic"],
            date_of_birth=dt.date.fromisoformat(private["date_of_birth"]),
            gender=private["gender"],
            province=public["province"],
            city=public["city"],
            email=private["email"],
            mobile=private["mobile"],
            platforms=tuple((p["platform"], p["profile_url"]) for p in public["platforms"]),
            language=payload.get("language", "en"),
            sealed_contact=payload.get("contact"),
        )

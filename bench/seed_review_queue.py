"""Fill verification's reviewer queue with synthetic pending cases, for the queue benchmark (bench/review_queue.py).

    PYTHONPATH=.:tests python -m bench.seed_review_queue [--cases 10000]   seed, then leave them (to look around)
    PYTHONPATH=.:tests python -m bench.seed_review_queue --remove          delete what a run left behind

Writes straight into the stack's `verification.cases`, not through Kafka: 10,000 applications through the
pipeline would take minutes, reach intake, payments and notification too, and most would be approved
rather than waiting for a reviewer. The documents are still the service's own: `CaseRepository.open_many`
builds and inserts each case as the worker does on ApplicationSubmitted (public fields, the private ones
sealed with EVENT_PII_KEY, the blind indexes under CNIC_INDEX_KEY, the search tokens), then one bulk write
per batch moves them to `in_review` with the checks' results (built with verification.domain.checks, at
least one flag each) and their reasons, as an automated decision would, with no event in the outbox, so
nothing is published.

Every seeded id starts with `PREFIX` (an underscore, not a hyphen: the queue's search splits what is typed
into words at hyphens, so an id with hyphens could not be found by its id), so the cases can be removed
afterwards; `seed` removes the leftovers of an interrupted run first. Names, provinces, CNICs and dates
come from a seeded random generator: the same `count` gives the same cases, and the benchmark knows which
name, id and CNIC to search for.
"""
import argparse
import base64
import dataclasses
import datetime as dt
import os
import random
import sys
import time

from pymongo import UpdateOne
from pymongo.database import Database
from pymongo.errors import OperationFailure

from domainkit.geography import KHYBER_PAKHTUNKHWA, PROVINCES
from domainkit.identity import CNIC_PROVINCE_DIGITS, cnic_gender, cnic_province, format_cnic
from domainkit.people import cnic_index, email_index, mobile_index
from domainkit.reasons import reason
from domainkit.skills import SKILLS
from eventkit.mongo import get_database
from servicekit.crypto import Sealer
from verification.adapters.cases import COLLECTION, CaseRepository
from verification.domain.case import IN_REVIEW, REVIEWED, SYSTEM, audit_entry
from verification.domain.checks import CHECKS, FLAG, PASS, CheckResult, outcome_of

DATABASE = "verification"
PREFIX = "bench_queue_"
BATCH = 500
DAYS = 30  # received_at is spread over the last 30 days
# A first name no other first or last name starts with, given to every 100th case: the name search's
# target matches 1% of the seeded cases.
RARE_FIRST_NAME = "Shahzaib"
RARE_EVERY = 100

MALE = ["Muhammad", "Ahmed", "Ali", "Hassan", "Hamza", "Usman", "Bilal", "Umar", "Zain", "Saad", "Fahad", "Faisal",
        "Imran", "Kashif", "Waqas", "Adnan", "Asad", "Danish", "Junaid", "Tariq", "Haris", "Talha", "Arslan",
        "Waleed", "Noman", "Rizwan", "Sohail", "Yasir", "Zubair", "Owais", "Sarmad", "Irfan", "Naveed", "Jawad"]
FEMALE = ["Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Hira", "Mahnoor", "Amna", "Iqra", "Sadia", "Rabia",
          "Nida", "Saba", "Kiran", "Bushra", "Samina", "Mehwish", "Anum", "Laiba", "Areeba", "Eman", "Hafsa",
          "Khadija", "Sidra", "Uzma", "Noor", "Alina", "Javeria", "Tooba", "Rida"]
LAST = ["Khan", "Ahmed", "Malik", "Butt", "Qureshi", "Siddiqui", "Chaudhry", "Shah", "Sheikh", "Raza", "Hussain",
        "Iqbal", "Javed", "Mirza", "Abbasi", "Awan", "Baloch", "Bhatti", "Cheema", "Gill", "Jatoi", "Khattak",
        "Memon", "Niazi", "Rajput", "Rana", "Soomro", "Tiwana", "Yousafzai", "Zaidi", "Afridi", "Bangash",
        "Durrani", "Gondal", "Kazmi", "Lodhi", "Marri", "Paracha", "Warraich", "Anwar", "Farooq", "Aslam"]
assert not any(name.lower().startswith(RARE_FIRST_NAME.lower()) for name in MALE + FEMALE + LAST)
# Where applicants live, roughly in proportion to the country's freelancers.
PROVINCE_WEIGHTS = {"Punjab": 50, "Sindh": 22, KHYBER_PAKHTUNKHWA: 14, "Balochistan": 4,
                    "Islamabad Capital Territory": 6, "Gilgit-Baltistan": 2, "Azad Jammu and Kashmir": 2}
assert set(PROVINCE_WEIGHTS) == set(PROVINCES)
CITIES = {"Punjab": ["Lahore", "Faisalabad", "Rawalpindi", "Multan", "Gujranwala", "Sialkot", "Bahawalpur"],
          "Sindh": ["Karachi", "Hyderabad", "Sukkur", "Larkana"],
          KHYBER_PAKHTUNKHWA: ["Peshawar", "Abbottabad", "Mardan", "Swat"],
          "Balochistan": ["Quetta", "Gwadar", "Turbat"], "Islamabad Capital Territory": ["Islamabad"],
          "Gilgit-Baltistan": ["Gilgit", "Skardu"], "Azad Jammu and Kashmir": ["Muzaffarabad", "Mirpur"]}
DIGIT_OF = {province: digit for digit, province in sorted(CNIC_PROVINCE_DIGITS.items(), reverse=True)}
HEADLINES = ["Python and Django developer", "WordPress developer", "Logo and brand designer", "SEO content writer",
             "Flutter mobile developer", "Data analyst (Excel, Power BI)", "Shopify store builder",
             "Video editor and animator", "Digital marketing consultant", "React front-end developer"]
EDUCATION = ["matric", "intermediate", "diploma", "bachelors", "bachelors", "masters", "mphil"]
PROFILE_PLATFORMS = ["upwork", "fiverr", "freelancer", "peopleperhour", "linkedin", "github"]
# Why a seeded case waits for a reviewer: the soft flags of verification.domain.checks, weighted roughly as
# the stack's own queue has them (shared contacts most often).
FLAG_WEIGHTS = {"shared_contact": 45, "cnic_province": 25, "platform_profiles": 15, "cnic_gender": 10,
                "blocklist": 5}


@dataclasses.dataclass(frozen=True)
class Seeded:
    """What the benchmark needs to know of the cases seeded: how many, and what to search for."""
    count: int
    rare_first_name: str  # carried by `rare_name_cases` of them
    rare_name_cases: int
    some_id: str
    some_cnic: str  # as a reviewer types it, #####-#######-#
    seconds: float


def case_id(n: int) -> str:
    return f"{PREFIX}{n:06d}"


def keys() -> tuple[bytes, bytes]:
    """(CNIC_INDEX_KEY, EVENT_PII_KEY) from the environment (deploy/local/env.sh exports them), else from the
    stack's .local/secrets.env (`make bench` does not source env.sh)."""
    values = {name: os.environ.get(name) for name in ("CNIC_INDEX_KEY", "EVENT_PII_KEY")}
    if not all(values.values()):
        from support.intake import secrets_env
        values = {name: value or secrets_env()[name] for name, value in values.items()}
    return base64.b64decode(values["CNIC_INDEX_KEY"]), base64.b64decode(values["EVENT_PII_KEY"])


def applicant(n: int, rng: random.Random) -> dict:
    """One synthetic applicant: public profile, private fields in clear, and the flags that hold it for review."""
    province = rng.choices(list(PROVINCE_WEIGHTS), weights=list(PROVINCE_WEIGHTS.values()))[0]
    flags = set(rng.choices(list(FLAG_WEIGHTS), weights=list(FLAG_WEIGHTS.values()), k=rng.choice((1, 1, 1, 2))))
    if province not in DIGIT_OF:  # AJK issues no CNIC of its own: the province check always flags its applicants
        flags.add("cnic_province")
    gender = "male" if n % RARE_EVERY == 0 else rng.choice(("male", "female"))
    first = RARE_FIRST_NAME if n % RARE_EVERY == 0 else rng.choice(MALE if gender == "male" else FEMALE)
    if gender == "male" and first != "Muhammad" and rng.random() < 0.2:
        first = f"Muhammad {first}"
    last = rng.choice(LAST)
    # The CNIC's first digit is where it was issued (AJK issues none of its own); its last, the holder's gender.
    issued_in = rng.choice([p for p in DIGIT_OF if p != province]) if "cnic_province" in flags else province
    cnic_gender_digit = gender if "cnic_gender" not in flags else ("female" if gender == "male" else "male")
    last_digit = rng.choice("13579" if cnic_gender_digit == "male" else "2468")
    cnic = f"{DIGIT_OF[issued_in]}{rng.randrange(10 ** 11):011d}{last_digit}"
    platform = rng.choice(PROFILE_PLATFORMS)
    handle = f"{first.split()[-1]}{last}{n}".lower()
    url = f"https://www.{platform}.com/" if "platform_profiles" in flags else f"https://www.{platform}.com/{handle}"
    born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(10_000))
    public = {"full_name": f"{first} {last}", "city": rng.choice(CITIES[province]), "province": province,
              "skills": rng.sample([s.slug for s in SKILLS], rng.randint(1, 4)),
              "platforms": [{"platform": platform, "profile_url": url}], "headline": rng.choice(HEADLINES),
              "listed": rng.random() < 0.8, "education": rng.choice(EDUCATION),
              "experience_years": rng.randint(0, 15)}
    private = {"cnic": cnic, "father_name": f"{rng.choice(MALE)} {last}", "date_of_birth": born.isoformat(),
               "gender": gender, "email": f"{handle}@example.pk", "mobile": f"+923{rng.randrange(10 ** 9):09d}",
               "address": f"House {rng.randint(1, 400)}, Street {rng.randint(1, 40)}, {public['city']}",
               "portfolio_url": None}
    shared = sorted(rng.sample(["email", "mobile"], rng.randint(1, 2)))  # what a shared-contact flag found shared
    return {"public": public, "private": private, "flags": flags, "url": url, "platform": platform, "shared": shared}


def check_results(person: dict) -> list[CheckResult]:
    """The automated checks' results for this applicant: a pass for each check, but its flags."""
    public, private, flags = person["public"], person["private"], person["flags"]
    flagged = {
        "cnic_province": lambda: CheckResult("cnic_province", FLAG, reason("cnic_province"),
                                             f"CNIC issued in {cnic_province(private['cnic'])}; applicant states "
                                             f"{public['province']}"),
        "cnic_gender": lambda: CheckResult("cnic_gender", FLAG, reason("cnic_gender"),
                                           f"CNIC digit says {cnic_gender(private['cnic'])}; form says "
                                           f"{private['gender']}"),
        "shared_contact": lambda: CheckResult("shared_contact", FLAG, reason("shared_contact"),
                                              "shared with another CNIC: " + ", ".join(person["shared"])),
        "platform_profiles": lambda: CheckResult("platform_profiles", FLAG,
                                                 reason("profile_home_page", platform=person["platform"]),
                                                 person["url"]),
        "blocklist": lambda: CheckResult("blocklist", FLAG, reason("blocklist"), "blocklist: email"),
    }
    return [flagged[check.name]() if check.name in flags else CheckResult(check.name, PASS) for check in CHECKS]


def remove(db: Database, pause: float = 1.0) -> int:
    """Delete every seeded case (an `_id` range: served by the `_id` index); how many there were. Deletes again
    until two passes `pause` apart find none: a batch write interrupted by Ctrl-C or SIGTERM is still carried out
    by the server after the client has given up on it, and landed after the first delete (measured: 500 of
    them were left behind); meanwhile a delete can also meet it in a deadlock, which is tried again."""
    seeded = {"_id": {"$gte": PREFIX, "$lt": PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1)}}
    removed, empty = 0, 0
    for attempt in range(30):
        try:
            found = db[COLLECTION].delete_many(seeded).deleted_count
        except OperationFailure:  # "deadlock detected" with the interrupted write, or a write conflict
            if attempt == 29:
                raise
            found = -1
        removed += max(found, 0)
        empty = empty + 1 if found == 0 else 0
        if empty == 2:
            break
        time.sleep(pause)
    return removed


def pending(db: Database) -> int:
    """Cases waiting for a reviewer, seeded or not (the queue's `pending` tab)."""
    return db[COLLECTION].count_documents({"state": {"$in": list(REVIEWED)}})


def seed(mongodb: str, count: int, out=sys.stderr) -> Seeded:
    """Insert `count` cases waiting for a reviewer, in batches, with a progress bar on `out`; the leftovers of an
    earlier run are removed first. The caller removes them again (`remove`) when done."""
    db = get_database(mongodb, DATABASE)
    left = remove(db)
    if left:
        out.write(f"  removed {left:,} cases left by an earlier interrupted run\n")
    index_key, event_key = keys()
    sealer, repository = Sealer(event_key), CaseRepository(db)
    rng = random.Random(count)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    started = time.monotonic()
    cnics: dict[int, str] = {}
    for first in range(1, count + 1, BATCH):
        people = {n: applicant(n, rng) for n in range(first, min(first + BATCH, count + 1))}
        received = {n: now - dt.timedelta(seconds=rng.randrange(DAYS * 86_400)) for n in people}
        applications = []
        for n, person in people.items():
            private = person["private"]
            cnics[n] = private["cnic"]
            application = {"public": person["public"], "sealed": sealer.seal(private), "language": "en",
                           "indexes": {"cnic": cnic_index(index_key, private["cnic"]),
                                       "email": email_index(index_key, private["email"]),
                                       "mobile": mobile_index(index_key, private["mobile"])}}
            note = {"event_id": f"bench-queue-{n:06d}", "event_type": "ApplicationSubmitted",
                    "occurred_at": received[n].isoformat(timespec="milliseconds").replace("+00:00", "Z")}
            applications.append((case_id(n), application, note))
        opened = repository.open_many(applications, now)
        if len(opened) != len(people):
            raise RuntimeError(f"only {len(opened)} of {len(people)} cases were created (ids taken?)")
        updates = []
        for n, person in people.items():
            results = check_results(person)
            _outcome, reasons = outcome_of(results)
            decided_at = received[n] + dt.timedelta(seconds=rng.uniform(0.5, 5))
            audit = [audit_entry(SYSTEM, "application_received", "ApplicationSubmitted", received[n]),
                     audit_entry(SYSTEM, "sent_to_review", "review: " + " ".join(reasons), decided_at)]
            updates.append(UpdateOne({"_id": case_id(n)}, {"$set": {
                "state": IN_REVIEW, "reasons": reasons, "checks": [r.as_dict() for r in results],
                "received_at": received[n], "updated_at": decided_at, "audit": audit}}))
        db[COLLECTION].bulk_write(updates, ordered=False)
        done = first - 1 + len(people)
        filled = int(30 * done / count)
        out.write(f"\r  seeding verification.cases [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{count:,} "
                  f"({done / (time.monotonic() - started):,.0f}/s)")
        out.flush()
    out.write("\n")
    some = min(count, 4242)
    return Seeded(count=count, rare_first_name=RARE_FIRST_NAME, rare_name_cases=count // RARE_EVERY,
                  some_id=case_id(some), some_cnic=format_cnic(cnics[some]), seconds=time.monotonic() - started)


def main() -> None:
    from support.local_stack import mongodb_uri

    parser = argparse.ArgumentParser(prog="python -m bench.seed_review_queue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="how many pending cases (default %(default)s)")
    parser.add_argument("--remove", action="store_true", help="only delete the seeded cases")
    args = parser.parse_args()
    db = get_database(mongodb_uri(), DATABASE)
    if args.remove:
        print(f"removed {remove(db):,} seeded cases")
        return
    seeded = seed(mongodb_uri(), args.cases)
    print(f"{seeded.count:,} cases seeded in {seeded.seconds:.1f} s; {pending(db):,} cases pending in all; "
          f"search for {seeded.rare_first_name!r} ({seeded.rare_name_cases} cases), {seeded.some_id!r}, "
          f"{seeded.some_cnic!r}. Remove them with --remove.")


if __name__ == "__main__":
    main()

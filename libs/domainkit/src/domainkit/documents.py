"""The documents an applicant uploads: which kinds exist and which an application needs.

Intake accepts and stores them; verification fetches them for reviewers. Both take the
kinds from here, so a new kind is added in one place.
"""

CNIC_FRONT, CNIC_BACK, NTN_CERTIFICATE = "cnic_front", "cnic_back", "ntn_certificate"
# a bank's proceeds realisation certificate (IT export remittances): the evidence a renewal is asked with
PRC = "prc"
KINDS = (CNIC_FRONT, CNIC_BACK, NTN_CERTIFICATE, PRC)
# the kinds an applicant uploads to an open application (the PRC comes with a renewal request instead)
APPLICATION_KINDS = (CNIC_FRONT, CNIC_BACK, NTN_CERTIFICATE)
REQUIRED_KINDS = (CNIC_FRONT, CNIC_BACK)
# What each kind is called (English; the pages and messages translate it through their catalogues).
LABELS = {CNIC_FRONT: "CNIC — front", CNIC_BACK: "CNIC — back", NTN_CERTIFICATE: "NTN certificate",
          PRC: "Proceeds realisation certificate"}

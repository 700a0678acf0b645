"""The documents an applicant uploads: which kinds exist and which an application needs.

Intake accepts and stores them; verification fetches them for reviewers. Both take the
kinds from here, so a new kind is added in one place.
"""

CNIC_FRONT, CNIC_BACK, NTN_CERTIFICATE = "cnic_front", "cnic_back", "ntn_certificate"
KINDS = (CNIC_FRONT, CNIC_BACK, NTN_CERTIFICATE)
REQUIRED_KINDS = (CNIC_FRONT, CNIC_BACK)

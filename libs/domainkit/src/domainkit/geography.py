"""Pakistan's provinces and territories, spelt as the registry accepts them."""

KHYBER_PAKHTUNKHWA = "Khyber Pakhtunkhwa"

PROVINCES = (
    "Punjab",
    "Sindh",
    KHYBER_PAKHTUNKHWA,
    "Balochistan",
    "Islamabad Capital Territory",
    "Gilgit-Baltistan",
    "Azad Jammu and Kashmir",
)

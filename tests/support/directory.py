"""What the directory may show: its public fields (DESIGN.md §3 privacy rule)."""

PUBLIC = {"registration_number", "full_name", "city", "province", "skills", "platforms", "headline", "status",
          "valid_until"}
VERIFY = {"registration_number", "valid", "status", "full_name", "valid_until", "message"}

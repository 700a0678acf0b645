"""Directory: the public search of verified freelancers and registration-number checks.

Owns the public listings, a read model holding public fields only, built from
`verification.events`; publishes nothing.
"""

"""The registry's domain facts, pure and shared by the services that need them.

identity   CNIC and mobile number formats, and what a CNIC's digits say
geography  provinces and territories
platforms  freelancing platforms and the domains their profile URLs live on
skills     the published skills taxonomy
"""

"""Mentoring pages: ``member`` for mentors and mentees, ``staff`` for scheme administrators."""

"""Views of the groups app: public.py (no sign-in), member.py (members' own pages and the
committee pages of one group), staff.py (the Alumni Engagement team)."""

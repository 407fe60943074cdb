"""Template filters of the moderation pages."""

"""The shared taxonomy as the site serves it: public pages, JSON exports and commands."""

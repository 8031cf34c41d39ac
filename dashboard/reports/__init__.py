"""Reports built from the committee's data: the session pack."""

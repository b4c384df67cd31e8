"""Report content: the cover, scorecard and sections the report notebook calls."""

// Sidebar entry (being implemented: see issue 5).

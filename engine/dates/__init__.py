"""Days: holiday calendars and the counting of procedural periods (working or calendar days)."""

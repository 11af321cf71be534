"""The moderation page: accounts, sessions, CSRF, the audit log and the pages themselves."""

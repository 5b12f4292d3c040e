"""Portal settings: the settings hub, module settings forms, security, logo and custom CSS checks."""

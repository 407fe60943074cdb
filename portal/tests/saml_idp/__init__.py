"""A SAML 2.0 identity provider (pysaml2) that the browser tests sign in through."""

//! The local API's tokens (issue 17): made in Settings → API for one account
//! or the whole agency, with scopes; the secret is shown once and only its
//! hash is kept.

package store

// SearchTerms exposes searchTerms to the package's external tests.
var SearchTerms = searchTerms

package groups

// AddRoutesForTest binds the routes on a test router.
var AddRoutesForTest = addRoutes

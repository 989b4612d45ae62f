// Package app is the controller's command: flags, leader election, the
// health and metrics endpoints, and the controllers it runs.
package app

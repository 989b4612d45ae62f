// Package app holds the apiserver command: its flags (the generic server's
// secure serving, delegated authentication and authorization, audit and
// features, as metrics-server has them, plus Meridian's own) and how they
// become a running server.
package app

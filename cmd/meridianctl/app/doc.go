// Package app holds meridianctl's commands (cobra). Each command parses
// flags and prints; the work is done by the packages it calls: pkg/install,
// pkg/registration, pkg/check.
package app

// Package check is the multi-cluster `glooctl check`: from the GlooInstance
// views and the registered clusters it builds one report, per instance and
// per Gloo kind, of every error and warning with its reference and message,
// and of every cluster that could not be read. meridianctl check prints it.
package check

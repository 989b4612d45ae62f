// Package version says which Meridian a binary is.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is Meridian's release; release builds set it with
// -ldflags "-X github.com/meridianfed/meridian/pkg/version.Version=vX.Y.Z".
var Version = "v0.1.0-dev"

// Info describes a build.
type Info struct {
	Version   string `json:"version"`
	GitCommit string `json:"gitCommit,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns this binary's build information.
func Get() Info {
	info := Info{Version: Version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.GitCommit = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	return info
}

func (i Info) String() string {
	commit := i.GitCommit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if i.Modified {
		commit += "-dirty"
	}
	if commit == "" {
		commit = "unknown commit"
	}
	return fmt.Sprintf("%s (%s, %s, %s)", i.Version, commit, i.GoVersion, i.Platform)
}

package monitor

import (
	"testing"

	"go.uber.org/goleak"
)

// No test may leave a goroutine behind: a runner that does not stop its
// workers, or a probe that outlives its check, fails here.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

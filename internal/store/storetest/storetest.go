// Package storetest is the conformance suite every store.Store passes.
// Each implementation's tests call Run with a constructor for fresh,
// migrated, empty stores.
package storetest

import (
	"testing"

	"github.com/watchfire-status/watchfire/internal/store"
)

// Run runs the suite. Each subtest gets its own store from newStore and
// runs in parallel with the others.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"EmptyState", testEmptyState},
		{"ComponentRoundTrip", testComponentRoundTrip},
		{"ComponentUpdateAndDelete", testComponentUpdateAndDelete},
		{"DeleteComponentReferencedByIncident", testDeleteReferencedComponent},
		{"NotFound", testNotFound},
		{"Conflict", testConflict},
		{"UpdateReturnsFnError", testUpdateReturnsFnError},
		{"UpdateRollsBackOnError", testUpdateRollsBackOnError},
		{"UpdateRollsBackOnPanic", testUpdateRollsBackOnPanic},
		{"IncidentRoundTrip", testIncidentRoundTrip},
		{"UpdateIncidentReplacesComponents", testUpdateIncidentReplacesComponents},
		{"MaintenanceRoundTrip", testMaintenanceRoundTrip},
		{"PagesAndGroups", testPagesAndGroups},
		{"LoadStateOrder", testLoadStateOrder},
		{"LoadStateHistoryLimit", testLoadStateHistoryLimit},
		{"LoadLiveSeesOwnWrites", testLoadLiveSeesOwnWrites},
		{"EventRoundTrip", testEventRoundTrip},
		{"EventFilters", testEventFilters},
		{"EventLimit", testEventLimit},
		{"LastEvent", testLastEvent},
		{"TimesAreUTC", testTimesAreUTC},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"IncidentOutsideHistory", testIncidentOutsideHistory},
		{"MaintenanceOutsideHistory", testMaintenanceOutsideHistory},
		{"IncidentsBetween", testIncidentsBetween},
		{"MaintenancesBetween", testMaintenancesBetween},
		{"HistoryDefaultLimit", testHistoryDefaultLimit},
		{"FirstIncidentAt", testFirstIncidentAt},
		{"ReadNotFound", testReadNotFound},
		{"ReadsSeeOnlyCommitted", testReadsSeeOnlyCommitted},
		{"ReadsAreUTC", testReadsAreUTC},
		{"ReadsAreConsistent", testReadsAreConsistent},
		{"Tokens", testTokens},
		{"ResultsRoundTrip", testResultsRoundTrip},
		{"MetricPoints", testMetricPoints},
		{"RollupsExact", testRollupsExact},
		{"RollupsBatchesAddUp", testRollupsBatchesAddUp},
		{"RollupsQuery", testRollupsQuery},
		{"PruneResults", testPruneResults},
		{"PruneRollups", testPruneRollups},
		{"AppendEmptyAndInvalid", testAppendEmptyAndInvalid},
		{"AppendLargeBatch", testAppendLargeBatch},
		{"AppendConcurrently", testAppendConcurrently},
		{"DependencyRoundTrip", testDependencyRoundTrip},
		{"DependencyUpsertReplaces", testDependencyUpsertReplaces},
		{"DependencyFetchHealth", testDependencyFetchHealth},
		{"DependencyDeleteCascades", testDependencyDeleteCascades},
		{"DependencyIncidents", testDependencyIncidents},
		{"DependencyIncidentsDefaultLimit", testDependencyIncidentsDefaultLimit},
		{"PayloadRoundTrip", testPayloadRoundTrip},
		{"PayloadLifecycle", testPayloadLifecycle},
		{"PayloadFilters", testPayloadFilters},
		{"PrunePayloads", testPrunePayloads},
		{"AppendPayloadsConcurrently", testAppendPayloadsConcurrently},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, newStore(t))
		})
	}
}

// Package pipeline is verify's one way from a model choice to told results: it builds the
// system of a variant on a config, binds the properties, runs the checker, and tells every
// trace as a story with its message sequence chart. Commands (check, claims, simulate, bench)
// and the docs generator only format what it returns.
//
// Verdicts stay typed (checker.Status, checker.Kind) from the checker to the last formatter;
// only JSON spells them as words ("holds", "violated", "unknown").
//
//	res, err := pipeline.Run(ctx, pipeline.Job{Config: fsm.DefaultConfig(), Variant: fsm.RFC,
//		Properties: properties.All()})
//	for _, v := range res.Verdicts {
//		fmt.Println(v.Name, v.Status) // v.Story tells v's trace, when there is one
//	}
//
// Errors from Run and RunClaim are failures to finish (the model panicked, a trace did not
// replay, a claim's config is invalid): a violated property is a verdict, not an error.
package pipeline

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tcpverify/tcpverify/fsm"
	"github.com/tcpverify/tcpverify/properties"
)

type listing struct {
	Variants   []named  `json:"variants"`
	Properties []named  `json:"properties"`
	Claims     []named  `json:"claims"`
	Shapes     []string `json:"shapes"`
}

type named struct {
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
	Desc string `json:"description"`
}

func runList(_ context.Context, args []string, stdout, _ io.Writer) (int, error) {
	fs := newFlagSet("list")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args, stdout); err != nil {
		return helpOr(err)
	}
	var l listing
	for _, v := range fsm.Variants {
		l.Variants = append(l.Variants, named{Name: v.Name, Desc: v.Desc})
	}
	for _, p := range properties.All() {
		l.Properties = append(l.Properties, named{Name: p.Name, Kind: p.Kind.String(), Desc: p.Claim})
	}
	for _, c := range properties.Claims() {
		l.Claims = append(l.Claims, named{Name: c.Name, Kind: c.Property.Name,
			Desc: fmt.Sprintf("%s (refuted by %s)", c.Reason, strings.Join(c.Refuters, ", "))})
	}
	l.Shapes = []string{fsm.ClientServer.String(), fsm.BothActive.String()}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(l); err != nil {
			return exitBadInput, err
		}
	case "text":
		section := func(title string, items []named) {
			fmt.Fprintf(stdout, "%s:\n", title)
			for _, it := range items {
				kind := ""
				if it.Kind != "" {
					kind = " [" + it.Kind + "]"
				}
				fmt.Fprintf(stdout, "  %-26s%s %s\n", it.Name, kind, it.Desc)
			}
			fmt.Fprintln(stdout)
		}
		section("variants", l.Variants)
		section("properties", l.Properties)
		section("claims", l.Claims)
		fmt.Fprintf(stdout, "shapes: %s\n", strings.Join(l.Shapes, ", "))
	default:
		return exitBadInput, fmt.Errorf("--format %s: want text or json", quoteArg(*format))
	}
	return exitOK, nil
}

// gotmpl-oracle (streaming copy for differential fuzzing): the reference renderer of
// /work/shared/tools/gotmpl-oracle (Go's text/template + sprig.TxtFuncMap(), missingkey=default,
// values decoded from JSON), extended with a -stream mode so one process renders many batches.
//
//	-batch:  stdin is one JSON array of {"template","values","name"}; stdout one JSON array of
//	         {"output"} | {"error"} (same as the shared oracle).
//	-stream: stdin is a sequence of such JSON arrays; for each, one line with the JSON array of
//	         results. A Go panic that escapes text/template is reported as {"error": "panic: …"}.
//
// Go's encoder writes invalid UTF-8 in outputs as U+FFFD, as the engine's final output does.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

type input struct {
	Name     string                 `json:"name"`
	Template string                 `json:"template"`
	Values   map[string]interface{} `json:"values"`
}

type result struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func render(in input) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	name := in.Name
	if name == "" {
		name = "template"
	}
	t, err := template.New(name).Option("missingkey=default").Funcs(sprig.TxtFuncMap()).Parse(in.Template)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, in.Values); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func renderAll(ins []input) []result {
	res := make([]result, len(ins))
	for i, in := range ins {
		out, err := render(in)
		if err != nil {
			msg := err.Error()
			res[i].Error = &msg
		} else {
			res[i].Output = &out
		}
	}
	return res
}

func main() {
	batch := flag.Bool("batch", false, "read one JSON array of inputs, write one JSON array of results")
	stream := flag.Bool("stream", false, "read JSON arrays of inputs, write one line of results for each")
	flag.Parse()
	dec := json.NewDecoder(bufio.NewReaderSize(os.Stdin, 1<<20))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	switch {
	case *stream:
		for {
			var ins []input
			if err := dec.Decode(&ins); err == io.EOF {
				return
			} else if err != nil {
				fmt.Fprintln(os.Stderr, "ERROR: bad input:", err)
				os.Exit(2)
			}
			if err := enc.Encode(renderAll(ins)); err != nil {
				fmt.Fprintln(os.Stderr, "ERROR:", err)
				os.Exit(2)
			}
			w.Flush()
		}
	case *batch:
		var ins []input
		if err := dec.Decode(&ins); err != nil {
			fmt.Fprintln(os.Stderr, "ERROR: bad input:", err)
			os.Exit(2)
		}
		enc.SetIndent("", "  ")
		if err := enc.Encode(renderAll(ins)); err != nil {
			fmt.Fprintln(os.Stderr, "ERROR:", err)
			os.Exit(2)
		}
		w.Flush()
	default:
		fmt.Fprintln(os.Stderr, "usage: gotmpl-oracle -batch | -stream")
		os.Exit(2)
	}
}

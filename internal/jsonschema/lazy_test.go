package jsonschema

import (
	"strings"
	"testing"
)

// TestDraftsLoadedOnFirstCompiler checks that a compiler made after the
// metaschemas stopped being compiled at init still validates schemas
// against them (a schema breaking its draft is refused) and instances
// against schemas, from several goroutines at once (run with -race).
func TestDraftsLoadedOnFirstCompiler(t *testing.T) {
	tests := []struct {
		name, schema, instance string
		badSchema, badInstance bool
	}{
		{name: "valid", schema: `{"type": "object", "required": ["id"]}`, instance: `{"id": 1}`},
		{name: "instance breaks schema", schema: `{"type": "object", "required": ["id"]}`, instance: `{}`, badInstance: true},
		{name: "schema breaks draft 2020", schema: `{"type": 7}`, badSchema: true},
		{name: "schema breaks draft 7", schema: `{"$schema": "http://json-schema.org/draft-07/schema#", "minLength": "x"}`, badSchema: true},
	}
	done := make(chan struct{})
	for _, tt := range tests {
		go func() {
			defer func() { done <- struct{}{} }()
			doc, err := UnmarshalJSON(strings.NewReader(tt.schema))
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				return
			}
			c := NewCompiler()
			if err := c.AddResource("schema.json", doc); err != nil {
				if !tt.badSchema {
					t.Errorf("%s: AddResource: %v", tt.name, err)
				}
				return
			}
			sch, err := c.Compile("schema.json")
			if (err != nil) != tt.badSchema {
				t.Errorf("%s: Compile error %v, want an error: %v", tt.name, err, tt.badSchema)
			}
			if err != nil {
				return
			}
			inst, err := UnmarshalJSON(strings.NewReader(tt.instance))
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				return
			}
			if err := sch.Validate(inst); (err != nil) != tt.badInstance {
				t.Errorf("%s: Validate error %v, want an error: %v", tt.name, err, tt.badInstance)
			}
		}()
	}
	for range tests {
		<-done
	}
}

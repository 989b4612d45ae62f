package migrate

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/meridianfed/meridian/pkg/manifest"
)

// Document is one object read from a manifest, or why it could not be read.
type Document struct {
	// Source says where the document was read, for messages:
	// "fed.yaml, document 2" (documents holding only comments are not
	// counted), "dump.yaml, document 1, item 3" for an item of a List.
	Source string
	// Object is the document's object; nil when Err is set.
	Object *unstructured.Unstructured
	// Err says why the document could not be read.
	Err error
}

// Read splits data, a YAML stream or a JSON document read from source (a
// file name, or "-" for standard input), into documents. Lists, as
// `kubectl get -o yaml` prints them, are expanded into their items.
//
// A document that cannot be read comes back with Err set instead of failing
// the whole stream, so that the other documents are still converted.
func Read(source string, data []byte) []Document {
	parts, err := manifest.SplitYAML(data)
	if err != nil {
		return []Document{{Source: source, Err: fmt.Errorf("cannot split into YAML documents: %w", err)}}
	}
	var docs []Document
	for i, part := range parts {
		where := fmt.Sprintf("%s, document %d", source, i+1)
		obj, err := decode(part)
		if err != nil {
			docs = append(docs, Document{Source: where, Err: err})
			continue
		}
		if !obj.IsList() {
			docs = append(docs, Document{Source: where, Object: obj})
			continue
		}
		items, _, _ := unstructured.NestedSlice(obj.Object, "items")
		for j, item := range items {
			doc := Document{Source: fmt.Sprintf("%s, item %d", where, j+1)}
			if m, ok := item.(map[string]any); !ok {
				doc.Err = errors.New("not an object: a List's items must be objects with apiVersion and kind")
			} else {
				doc.Object = &unstructured.Unstructured{Object: m}
				doc.Err = checkTypeMeta(doc.Object)
			}
			if doc.Err != nil {
				doc.Object = nil
			}
			docs = append(docs, doc)
		}
	}
	return docs
}

// decode reads one YAML or JSON document into an object with apiVersion and
// kind. Integers stay int64 (not float64), so that they print as written.
func decode(doc []byte) (*unstructured.Unstructured, error) {
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	var v any
	if err := utiljson.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not an object: expected a mapping with apiVersion, kind, metadata and spec")
	}
	obj := &unstructured.Unstructured{Object: m}
	if obj.IsList() {
		return obj, nil
	}
	if err := checkTypeMeta(obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func checkTypeMeta(obj *unstructured.Unstructured) error {
	var missing []string
	for _, f := range []string{"apiVersion", "kind"} {
		if s, ok := obj.Object[f].(string); !ok || s == "" {
			missing = append(missing, f)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s is missing: every object needs apiVersion and kind", missing[0])
	default:
		return errors.New("apiVersion and kind are missing: is this a Kubernetes manifest?")
	}
}

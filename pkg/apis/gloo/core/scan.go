package core

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// This file holds the single-pass machinery behind UnmarshalPreserving: a
// validating scanner that finds the extent of a JSON value without decoding
// it, and per-field decode plans that put a member's value into its field
// without a second full pass of encoding/json where that is safe.

// maxNesting bounds how deeply the scanner recurses, like encoding/json.
const maxNesting = 10000

func syntaxError(data []byte, i int, context string) error {
	if i >= len(data) {
		return errUnexpectedEnd
	}
	return fmt.Errorf("core: invalid character %q %s at offset %d", data[i], context, i)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// skipValue validates the JSON value starting at data[i] (no leading space)
// and returns the index just after it.
func skipValue(data []byte, i int) (int, error) { return skipValueDepth(data, i, 0) }

func skipValueDepth(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errUnexpectedEnd
	}
	if depth > maxNesting {
		return i, fmt.Errorf("core: JSON nested too deeply at offset %d", i)
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := skipString(data, i)
		return end, err
	case c == '{':
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(data) || data[i] != '"' {
				return i, syntaxError(data, i, "looking for beginning of object key string")
			}
			end, _, err := skipString(data, i)
			if err != nil {
				return end, err
			}
			i = skipSpace(data, end)
			if i >= len(data) || data[i] != ':' {
				return i, syntaxError(data, i, "after object key")
			}
			if i, err = skipValueDepth(data, skipSpace(data, i+1), depth+1); err != nil {
				return i, err
			}
			i = skipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				return i + 1, nil
			}
			return i, syntaxError(data, i, "after object key:value pair")
		}
	case c == '[':
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = skipValueDepth(data, i, depth+1); err != nil {
				return i, err
			}
			i = skipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == ']' {
				return i + 1, nil
			}
			return i, syntaxError(data, i, "after array element")
		}
	case c == 't':
		return skipLiteral(data, i, "true")
	case c == 'f':
		return skipLiteral(data, i, "false")
	case c == 'n':
		return skipLiteral(data, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		end := numberEnd(data, i)
		if end == i {
			return i, syntaxError(data, i, "in numeric literal")
		}
		return end, nil
	default:
		return i, syntaxError(data, i, "looking for beginning of value")
	}
}

var errUnexpectedEnd = fmt.Errorf("core: unexpected end of JSON input")

func skipLiteral(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, syntaxError(data, i, "in literal")
	}
	return i + len(lit), nil
}

// skipString validates the string starting at the quote data[i] and returns
// the index after the closing quote and whether it contains escapes.
func skipString(data []byte, i int) (end int, escaped bool, err error) {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			j++
			if j >= len(data) {
				return j, escaped, errUnexpectedEnd
			}
			switch data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(data)-j < 5 {
					return j, escaped, errUnexpectedEnd
				}
				for _, h := range data[j+1 : j+5] {
					if !isHex(h) {
						return j, escaped, syntaxError(data, j, "in \\u hexadecimal character escape")
					}
				}
				j += 4
			default:
				return j, escaped, syntaxError(data, j, "in string escape code")
			}
		case c < 0x20:
			return j, escaped, syntaxError(data, j, "in string literal")
		}
	}
	return len(data), escaped, errUnexpectedEnd
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// numberEnd returns the end of the JSON number at data[i], or i if there is
// no valid number there.
func numberEnd(data []byte, i int) int {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	switch {
	case j < len(data) && data[j] == '0':
		j++
	case j < len(data) && data[j] >= '1' && data[j] <= '9':
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	default:
		return i
	}
	if j < len(data) && data[j] == '.' {
		j++
		if j >= len(data) || data[j] < '0' || data[j] > '9' {
			return i
		}
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		j++
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		if j >= len(data) || data[j] < '0' || data[j] > '9' {
			return i
		}
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
	}
	return j
}

// decodePlan says how a member's (already validated) value gets into a field.
type decodePlan int

const (
	// planJSON hands the value to encoding/json.
	planJSON decodePlan = iota
	// planUnmarshaler calls the field's own UnmarshalJSON (pointer receiver).
	planUnmarshaler
	// planPtrUnmarshaler allocates the pointed-to value and calls its UnmarshalJSON.
	planPtrUnmarshaler
	// planScalar sets a bool, string or number field directly.
	planScalar
	// planPtrScalar allocates and sets a pointer to a bool, string or number.
	planPtrScalar
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func planFor(t reflect.Type) decodePlan {
	switch {
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType):
		return planUnmarshaler
	case t.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Pointer && t.Implements(unmarshalerType):
		return planPtrUnmarshaler
	case isPlainScalar(t):
		return planScalar
	case t.Kind() == reflect.Pointer && isPlainScalar(t.Elem()):
		return planPtrScalar
	}
	return planJSON
}

// isPlainScalar reports whether encoding/json decodes t with no custom code.
func isPlainScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
	default:
		return false
	}
	pt := reflect.PointerTo(t)
	return !pt.Implements(unmarshalerType) && !pt.Implements(textUnmarshalerType)
}

// decode puts raw (a complete, valid JSON value) into the field fv.
func (f *fieldInfo) decode(raw []byte, fv reflect.Value) error {
	isNull := len(raw) == 4 && string(raw) == "null"
	switch f.plan {
	case planUnmarshaler:
		return fv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	case planPtrUnmarshaler:
		if isNull {
			fv.SetZero()
			return nil
		}
		if fv.IsNil() {
			fv.Set(reflect.New(fv.Type().Elem()))
		}
		return fv.Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	case planScalar:
		if isNull {
			return nil // like encoding/json: null leaves a non-pointer alone
		}
		if setScalar(raw, fv) {
			return nil
		}
	case planPtrScalar:
		if isNull {
			fv.SetZero()
			return nil
		}
		elem := reflect.New(fv.Type().Elem())
		if setScalar(raw, elem.Elem()) {
			fv.Set(elem)
			return nil
		}
	}
	return json.Unmarshal(raw, fv.Addr().Interface())
}

// setScalar sets v from raw when that is unambiguous; otherwise it returns
// false and encoding/json decides (and produces its usual errors).
func setScalar(raw []byte, v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool:
		switch string(raw) {
		case "true":
			v.SetBool(true)
			return true
		case "false":
			v.SetBool(false)
			return true
		}
	case reflect.String:
		if len(raw) < 2 || raw[0] != '"' {
			return false
		}
		body := raw[1 : len(raw)-1]
		for _, c := range body {
			if c == '\\' || c == '"' || c < 0x20 {
				return false
			}
		}
		if !utf8.Valid(body) {
			return false
		}
		v.SetString(string(body))
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if numberEnd(raw, 0) != len(raw) {
			return false
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if numberEnd(raw, 0) != len(raw) {
			return false
		}
		n, err := strconv.ParseUint(string(raw), 10, 64)
		if err != nil || v.OverflowUint(n) {
			return false
		}
		v.SetUint(n)
		return true
	case reflect.Float32, reflect.Float64:
		if numberEnd(raw, 0) != len(raw) {
			return false
		}
		n, err := strconv.ParseFloat(string(raw), v.Type().Bits())
		if err != nil || v.OverflowFloat(n) {
			return false
		}
		v.SetFloat(n)
		return true
	}
	return false
}

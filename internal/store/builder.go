package store

import "strings"

// builder assembles a query and its arguments in order.
type builder struct {
	sb   strings.Builder
	args []any
}

func (b *builder) w(sql string, args ...any) *builder {
	b.sb.WriteString(sql)
	b.args = append(b.args, args...)
	return b
}

// in writes "col IN (?, ?)" or a false predicate for an empty list.
func (b *builder) in(col string, ids []int64) *builder {
	if len(ids) == 0 {
		return b.w("1 = 0")
	}
	b.w(col + " IN (" + placeholders(len(ids)) + ")")
	for _, id := range ids {
		b.args = append(b.args, id)
	}
	return b
}

func (b *builder) String() string { return b.sb.String() }

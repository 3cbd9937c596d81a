package locale

import (
	"testing"
	"testing/fstest"
)

func TestPick(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"it", "ru"}, "it"},
		{[]string{"", "sr-Latn-RS"}, "sr"},
		{[]string{"de_DE", "EL"}, "el"},
		{[]string{"fr", ""}, "en"},
		{nil, "en"},
	}
	for _, c := range cases {
		if got := Pick(c.in...); got != c.want {
			t.Errorf("Pick(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMustBundle(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, l := range Languages {
		fsys["texts/"+l+".json"] = &fstest.MapFile{Data: []byte(`{"hello": "hello in ` + l + `"}`)}
	}
	if b := MustBundle(fsys, "texts", "test"); len(b.LanguageTags()) != len(Languages) {
		t.Errorf("bundle has %d languages, want %d", len(b.LanguageTags()), len(Languages))
	}
	delete(fsys, "texts/el.json")
	defer func() {
		if recover() == nil {
			t.Error("a missing language file did not panic")
		}
	}()
	MustBundle(fsys, "texts", "test")
}

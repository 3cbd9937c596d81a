package attachment

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameBytes bounds a sanitized name, leaving room under the usual 255-byte
// file system limit for an appended extension.
const MaxNameBytes = 200

// maxExtBytes is the longest suffix kept as an extension when a name is cut.
const maxExtBytes = 16

// defaultName replaces a name that sanitizes to nothing.
const defaultName = "file"

// SanitizeName makes an uploaded file's name safe to store, show and offer as
// a download name. It keeps only the last path element (either separator),
// drops invalid UTF-8 and every character that is not graphic (control,
// format such as bidi overrides and zero-width characters, private use,
// unassigned), turns white space runs into one space, replaces characters
// Windows forbids (<>:"|?*) with "_", trims spaces and dots at both ends (no
// hidden or Windows-stripped names), defuses reserved device names (CON,
// NUL, COM1, …) and cuts the name to MaxNameBytes on a character boundary,
// keeping its extension. Letters of every script are kept. The result is
// never empty and SanitizeName(SanitizeName(s)) == SanitizeName(s).
func SanitizeName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		case !unicode.IsGraphic(r):
			return -1
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.Trim(name, " .")
	if reservedName(name) {
		name = "_" + name
	}
	if len(name) > MaxNameBytes {
		ext := path.Ext(name)
		if len(ext) > maxExtBytes || len(ext) == len(name) {
			ext = ""
		}
		stem := truncate(name[:len(name)-len(ext)], MaxNameBytes-len(ext))
		name = strings.TrimRight(stem, " .") + ext
		name = strings.Trim(name, " .")
	}
	if name == "" {
		return defaultName
	}
	return name
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedName reports whether Windows would treat name as a device, whatever
// the extension: CON, PRN, AUX, NUL, COM0-9 and LPT0-9 (also with the
// superscript digits Windows accepts).
func reservedName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(stem) > 3 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// withExtension returns name, with the first extension of contentType
// appended unless name already ends in one that fits it.
func withExtension(name, contentType string) string {
	exts := extensions[contentType]
	if len(exts) == 0 {
		return name
	}
	ext := strings.ToLower(path.Ext(name))
	for _, e := range exts {
		if ext == e {
			return name
		}
	}
	return name + exts[0]
}

package safehttp

import (
	"net/netip"
	"testing"
)

func TestInternal(t *testing.T) {
	cases := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"169.254.169.254", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:127.0.0.1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"fd00::1", true},
		{"fe80::1", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"::", true},
		{"::127.0.0.1", true},
		{"64:ff9b::a9fe:a9fe", true}, // NAT64 of 169.254.169.254
		{"100.100.100.200", true},
		{"224.0.0.1", true},
		{"255.255.255.255", true},
		{"ff02::1", true},
		{"93.184.215.14", false},
		{"8.8.8.8", false},
		{"2606:4700:4700::1111", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false}, // NAT64 of 8.8.8.8
	}
	for _, tc := range cases {
		if got := Internal(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Internal(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		name, url     string
		allowInternal bool
		ok            bool
	}{
		{"Public", "https://shop.example/hooks", false, true},
		{"PublicIP", "http://93.184.215.14:8080/x", false, true},
		{"Loopback", "http://127.0.0.1:8080/x", false, false},
		{"LoopbackAllowed", "http://127.0.0.1:8080/x", true, true},
		{"Metadata", "http://169.254.169.254/latest/meta-data", false, false},
		{"MappedMetadata", "http://[::ffff:169.254.169.254]/", false, false},
		{"Private", "http://10.0.0.7/", false, false},
		{"ULA", "http://[fd00::1]:9000/", false, false},
		{"Unspecified", "http://0.0.0.0:8080/", false, false},
		{"Localhost", "http://localhost:8080/", false, false},
		{"LocalhostDot", "http://LOCALHOST.:8080/", false, false},
		{"SubLocalhost", "http://a.localhost/", false, false},
		{"UserInfo", "https://user:pw@shop.example/", false, false},
		{"Javascript", "javascript:alert(1)", true, false},
		{"FTP", "ftp://shop.example/", true, false},
		{"NoHost", "https:///path", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckURL(tc.url, tc.allowInternal); (err == nil) != tc.ok {
				t.Errorf("CheckURL(%q, %v) = %v, want ok=%v", tc.url, tc.allowInternal, err, tc.ok)
			}
		})
	}
}

func TestWebURL(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://shop.example/p/1?x=1#top", true},
		{"http://shop.example", true},
		{"HTTPS://shop.example/", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{" javascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"vbscript:msgbox(1)", false},
		{"//shop.example/p", false},
		{"/p/1", false},
		{"https:alert(1)", false},
		{"https://shop.example/\nx", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := WebURL(tc.url); got != tc.ok {
			t.Errorf("WebURL(%q) = %v, want %v", tc.url, got, tc.ok)
		}
	}
}

package app_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDemoSignInTokens: the shop signs each sign-in with a JWT of its own
// that Parley's policy accepts: the page's inbox and widget JWTs live at
// most ten minutes and sign in once; the inbox form's fresh JWT
// (POST /shop/inbox-jwt, which shop.js fetches at the click) signs in
// again and again, and only for a signed-in shopper.
func TestDemoSignInTokens(t *testing.T) {
	eachDemoDB(t, func(t *testing.T, d *demoEnv) {
		giulia := d.shopper()
		giulia.signIn("giulia@demo.parley")
		own := giulia.get("/shop/p/oak-table")
		for name, re := range map[string]interface{ FindStringSubmatch(string) []string }{"inbox": inboxJWT, "widget": widgetJWT} {
			m := re.FindStringSubmatch(own.Body)
			if m == nil {
				t.Fatalf("no %s JWT on the page", name)
			}
			var c jwt.MapClaims
			if _, _, err := jwt.NewParser().ParseUnverified(m[1], &c); err != nil {
				t.Fatal(err)
			}
			exp, _ := c.GetExpirationTime()
			iat, _ := c.GetIssuedAt()
			if exp == nil || iat == nil || exp.Sub(iat.Time) > 10*time.Minute || c["jti"] == nil {
				t.Errorf("%s JWT claims %v: want iat, exp at most 10 minutes later, jti", name, c)
			}
			d.must(200, "POST", "/api/v1/auth/sso", "", map[string]string{"jwt": m[1]})
			if r := d.call("POST", "/api/v1/auth/sso", "", map[string]string{"jwt": m[1]}); r.Status != 401 {
				t.Errorf("the page's %s JWT a second time = %d, want 401", name, r.Status)
			}
		}
		seen := map[string]bool{}
		for range 2 {
			p := giulia.post("/shop/inbox-jwt", url.Values{})
			var out struct{ JWT string }
			if err := json.Unmarshal([]byte(p.Body), &out); p.Status != 200 || err != nil || out.JWT == "" || seen[out.JWT] {
				t.Fatalf("POST /shop/inbox-jwt = %d %s, want a new JWT", p.Status, p.Body)
			}
			seen[out.JWT] = true
			d.must(200, "POST", "/api/v1/auth/sso", "", map[string]string{"jwt": out.JWT})
		}
		if p := d.browser().post("/shop/inbox-jwt", url.Values{}); p.Status != 401 {
			t.Errorf("POST /shop/inbox-jwt signed out = %d, want 401", p.Status)
		}
	})
}

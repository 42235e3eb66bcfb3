package waf

// Response is what moat sends instead of forwarding the request.
type Response struct {
	Status      int
	Headers     []Header
	ContentType string
	Body        string
}

// defaultBlock is AWS's default Block response: HTTP 403. AWS's body
// depends on the protected resource; moat sends a short text.
var defaultBlock = &Response{Status: 403, ContentType: "text/plain", Body: "Forbidden\n"}

func blockResponse(custom *Response) *Response {
	if custom != nil {
		return custom
	}
	return defaultBlock
}

// The interstitials: AWS answers CAPTCHA with HTTP 405 and Challenge with
// HTTP 202, each with an x-amzn-waf-action header and a page that obtains a
// token. moat's pages post to VerifyPath, which the proxy answers with an
// aws-waf-token cookie; moat's CAPTCHA page is a confirmation button, not a
// puzzle.
var (
	captchaPage = &Response{Status: 405, ContentType: "text/html",
		Headers: []Header{{Name: "x-amzn-waf-action", Value: "captcha"}},
		Body:    interstitialHTML("Let's confirm you are human", "captcha")}
	challengePage = &Response{Status: 202, ContentType: "text/html",
		Headers: []Header{{Name: "x-amzn-waf-action", Value: "challenge"}},
		Body:    interstitialHTML("Checking your browser", "challenge")}
)

// VerifyPath is where moat's interstitial pages obtain a token.
const VerifyPath = "/.moat-waf/verify"

func interstitial(kind Action) *Response {
	if kind == Captcha {
		return captchaPage
	}
	return challengePage
}

func interstitialHTML(title, kind string) string {
	auto := ""
	button := `<button type="submit">I am human</button>`
	if kind == "challenge" {
		auto = `<script>document.forms[0].submit()</script>`
		button = `<noscript><button type="submit">Continue</button></noscript>`
	}
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title></head><body>` +
		`<h1>` + title + `</h1><form method="POST" action="` + VerifyPath + `">` +
		`<input type="hidden" name="kind" value="` + kind + `">` + button + `</form>` + auto + `</body></html>`
}

// Package mail sends Tranche's e-mail through SES v2 (the local SES v2
// emulator in development and tests).
package mail

import (
	"context"
	"fmt"
	netmail "net/mail"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/emf"
)

// Message is one plain-text (and optionally HTML) e-mail.
type Message struct {
	// FromName is the sender's display name; the address is always the
	// sender's verified identity (MAIL_FROM), so mail sent "as" an issuer
	// stays deliverable (SPF/DKIM of our domain) and Reply-To reaches them.
	FromName string   `json:",omitempty"`
	ReplyTo  []string `json:",omitempty"`
	To       []string
	Subject  string
	Text     string
	HTML     string `json:",omitempty"`
	// Headers are extra header fields, such as List-Unsubscribe.
	Headers map[string]string `json:",omitempty"`
}

// Sender sends e-mail.
type Sender struct {
	client *sesv2.Client
	from   string
}

// New returns a sender over the AWS configuration. endpoint, when set,
// overrides the SES endpoint (the local emulator listens apart from
// DynamoDB Local).
func New(cfg aws.Config, endpoint, from string) *Sender {
	return &Sender{
		client: sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		}),
		from: from,
	}
}

// FromDeps returns the sender of a function: SES_ENDPOINT_URL when set,
// otherwise the AWS configuration's endpoint (AWS_ENDPOINT_URL).
func FromDeps(deps app.Deps) *Sender {
	return New(deps.AWS, deps.Config.SESEndpointURL, deps.Config.MailFrom)
}

// From is the From header for a display name: `"Name" <address>`, quoted
// and encoded as RFC 5322 wants (net/mail), or the bare address.
func (s *Sender) From(name string) string {
	if name == "" {
		return s.from
	}
	return (&netmail.Address{Name: name, Address: s.from}).String()
}

// Send sends m and returns SES's message id.
func (s *Sender) Send(ctx context.Context, m Message) (string, error) {
	body := &types.Body{Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}}
	if m.HTML != "" {
		body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")}
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var headers []types.MessageHeader
	for _, k := range names {
		headers = append(headers, types.MessageHeader{Name: aws.String(k), Value: aws.String(m.Headers[k])})
	}
	out, err := s.client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From(m.FromName)),
		ReplyToAddresses: m.ReplyTo,
		Destination:      &types.Destination{ToAddresses: m.To},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body:    body,
			Headers: headers,
		}},
	})
	if err != nil {
		emf.Add(ctx, emf.MetricEmailsFailed, 1)
		return "", fmt.Errorf("mail: send %q: %w", m.Subject, err)
	}
	emf.Add(ctx, emf.MetricEmailsSent, 1)
	return aws.ToString(out.MessageId), nil
}

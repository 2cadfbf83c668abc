// Package app builds a function's dependencies from its environment, once
// per cold start: configuration (validated together, every missing variable
// reported at once), the JSON logger, the AWS configuration and the store.
// No other package reads the environment.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tranche-dev/tranche/pkg/blob"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Environment variable names. The CDK stack sets them on every function.
const (
	EnvTableName   = "TABLE_NAME"       // required
	EnvEndpointURL = "AWS_ENDPOINT_URL" // DynamoDB Local, LocalStack; empty on AWS
	EnvRegion      = "AWS_REGION"
	EnvLogLevel    = "LOG_LEVEL" // debug, info (default), warn, error
	EnvMailFrom    = "MAIL_FROM" // sender address of e-mail
	// EnvReadModelMaxMB caps the in-memory read models of the lists
	// (package readmodel), in MiB; empty: readmodel.DefaultMaxBytes.
	EnvReadModelMaxMB = "READ_MODEL_MAX_MB"

	// Clerk sessions (functions with jwt routes) and the Svix-signed Clerk
	// webhook. The webhooks function refuses to start without SVIX_SECRET;
	// jwt functions refuse to start without CLERK_JWKS_URL.
	EnvClerkJWKSURL           = "CLERK_JWKS_URL"           // JWKS of the Clerk instance (or the local issuer)
	EnvClerkIssuer            = "CLERK_ISSUER"             // expected iss; empty: Clerk's own issuer check
	EnvClerkAuthorizedParties = "CLERK_AUTHORIZED_PARTIES" // comma-separated origins allowed in azp; empty: any
	EnvSvixSecret             = "SVIX_SECRET"              // whsec_<base64>
	EnvSESEndpointURL         = "SES_ENDPOINT_URL"         // SES v2 endpoint when it differs from AWS_ENDPOINT_URL (local emulator)
	// EnvPublicURL is the API's public base URL (https://…, no trailing
	// slash): the reminders link their unsubscribe route under it. Empty:
	// reminders carry no unsubscribe link.
	EnvPublicURL = "PUBLIC_API_URL"
	// EnvBucketName is the stack's S3 bucket (package blob: large exports,
	// generated documents); empty: the function keeps no files, and
	// Deps.Blobs is nil. EnvS3EndpointURL is the S3 endpoint when it differs
	// from AWS_ENDPOINT_URL (the S3 server devstack embeds).
	EnvBucketName    = "BUCKET_NAME"
	EnvS3EndpointURL = "S3_ENDPOINT_URL"

	// Seed 002's profiles (issue 13). Tax ids and bank account numbers are
	// sealed with data keys from KMS under TAX_KMS_KEY_ID on AWS; locally
	// (make run, tests) with a key file, TAX_KEY_FILE. On AWS (no
	// AWS_ENDPOINT_URL) the profiles function refuses to start without the
	// KMS key.
	EnvTaxKMSKeyID = "TAX_KMS_KEY_ID"
	EnvTaxKeyFile  = "TAX_KEY_FILE"
	// EnvProfilesRateLimit is each caller's token bucket on the profiles
	// routes: "N/s", "N/m" or "N/h" (N requests at once, refilled at N per
	// period). Default DefaultProfilesRateLimit.
	EnvProfilesRateLimit = "PROFILES_RATE_LIMIT"
	// W-9 documents (issue 13, package documents). EnvDocumentsQueueURL is
	// the SQS queue the documents function reads: set on the functions that
	// enqueue document jobs; empty locally, where make run's in-process
	// worker takes the notices (Deps.Documents). EnvDocumentLinkKey is the
	// random string (32 characters or more) that signs the W-9 signing page's links;
	// on AWS it comes from the generated secret named by
	// EnvDocumentLinkSecretARN.
	EnvDocumentsQueueURL     = "DOCUMENTS_QUEUE_URL"
	EnvDocumentLinkKey       = "DOCUMENT_LINK_KEY"
	EnvDocumentLinkSecretARN = "DOCUMENT_LINK_SECRET_ARN"
)

// RateLimit is a token bucket: Burst requests at once, refilled at Burst
// per Per.
type RateLimit struct {
	Burst int
	Per   time.Duration
}

// PerSecond is the refill rate.
func (l RateLimit) PerSecond() float64 { return float64(l.Burst) / l.Per.Seconds() }

// String renders the limit as it is configured ("120/m").
func (l RateLimit) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h"}[l.Per]
	return fmt.Sprintf("%d/%s", l.Burst, unit)
}

// DefaultProfilesRateLimit: 120 requests a minute per caller, any 120 of
// them at once.
var DefaultProfilesRateLimit = RateLimit{Burst: 120, Per: time.Minute}

// ParseRateLimit reads "N/s", "N/m" or "N/h".
func ParseRateLimit(v string) (RateLimit, error) {
	n, unit, ok := strings.Cut(strings.TrimSpace(v), "/")
	per := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	burst, err := strconv.Atoi(n)
	if !ok || per == 0 || err != nil || burst < 1 || burst > 1_000_000 {
		return RateLimit{}, fmt.Errorf("app: rate limit %q: want N/s, N/m or N/h", v)
	}
	return RateLimit{Burst: burst, Per: per}, nil
}

// Config is what the environment says.
type Config struct {
	TableName   string
	EndpointURL string
	Region      string
	LogLevel    slog.Level
	MailFrom    string
	// ReadModelMaxBytes caps the lists' read models (0: the default).
	ReadModelMaxBytes int64

	ClerkJWKSURL           string
	ClerkIssuer            string
	ClerkAuthorizedParties []string
	SvixSecret             string
	SESEndpointURL         string
	PublicURL              string
	BucketName             string
	S3EndpointURL          string

	TaxKMSKeyID       string
	TaxKeyFile        string
	ProfilesRate      RateLimit
	DocumentsQueueURL string // EnvDocumentsQueueURL
	DocumentLinkKey   []byte // EnvDocumentLinkKey, decoded; nil when unset
}

// Deps are what handlers are built from.
type Deps struct {
	Config Config
	Log    *slog.Logger
	AWS    aws.Config
	DB     *store.DB
	Blobs  *blob.Store // nil without BUCKET_NAME
	// Documents takes the notices of new W-9 document jobs when set: make
	// run's in-process worker. Nil on AWS, where package documents sends
	// them to EnvDocumentsQueueURL.
	Documents Notifier
}

// Notifier is told that a profile has a new document job to render
// (package documents implements it; the profiles code calls it after its
// transaction). A lost notice only delays: the documents worker also
// sweeps pending jobs on a schedule.
type Notifier interface {
	Notify(ctx context.Context, ws string, profileID int64) error
}

// ParseConfig validates the environment, reporting every problem together.
func ParseConfig(getenv func(string) string) (Config, error) {
	var problems []string
	c := Config{
		TableName:   getenv(EnvTableName),
		EndpointURL: getenv(EnvEndpointURL),
		Region:      getenv(EnvRegion),
		MailFrom:    getenv(EnvMailFrom),

		ClerkJWKSURL:   getenv(EnvClerkJWKSURL),
		ClerkIssuer:    getenv(EnvClerkIssuer),
		SvixSecret:     getenv(EnvSvixSecret),
		SESEndpointURL: getenv(EnvSESEndpointURL),
		PublicURL:      strings.TrimRight(getenv(EnvPublicURL), "/"),
		BucketName:     getenv(EnvBucketName),
		S3EndpointURL:  getenv(EnvS3EndpointURL),
		TaxKMSKeyID:    getenv(EnvTaxKMSKeyID),
		TaxKeyFile:     getenv(EnvTaxKeyFile),
		ProfilesRate:   DefaultProfilesRateLimit,

		DocumentsQueueURL: getenv(EnvDocumentsQueueURL),
	}
	if v := getenv(EnvProfilesRateLimit); v != "" {
		rl, err := ParseRateLimit(v)
		if err != nil {
			problems = append(problems, EnvProfilesRateLimit+" must be N/s, N/m or N/h")
		}
		c.ProfilesRate = rl
	}
	if v := getenv(EnvDocumentLinkKey); v != "" {
		if len(v) < 32 {
			problems = append(problems, EnvDocumentLinkKey+" must be a random string of at least 32 characters")
		}
		c.DocumentLinkKey = []byte(v)
	}
	for _, p := range strings.Split(getenv(EnvClerkAuthorizedParties), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.ClerkAuthorizedParties = append(c.ClerkAuthorizedParties, p)
		}
	}
	if c.TableName == "" {
		problems = append(problems, EnvTableName+" is not set")
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.MailFrom == "" {
		c.MailFrom = "no-reply@tranche.local"
	}
	if v := getenv(EnvReadModelMaxMB); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb <= 0 || mb > 1<<20 {
			problems = append(problems, EnvReadModelMaxMB+" must be a positive number of MiB")
		}
		c.ReadModelMaxBytes = mb << 20
	}
	switch strings.ToLower(getenv(EnvLogLevel)) {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		problems = append(problems, EnvLogLevel+" must be debug, info, warn or error")
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("app: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// FromEnv builds Deps from the environment.
func FromEnv(ctx context.Context, getenv func(string) string) (Deps, error) {
	cfg, err := ParseConfig(getenv)
	if err != nil {
		return Deps{}, err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	awsCfg, err := LoadAWS(ctx, cfg)
	if err != nil {
		return Deps{}, err
	}
	if getenv(EnvSecretsARN) != "" || getenv(EnvDocumentLinkSecretARN) != "" {
		layered, err := withSecrets(ctx, awsCfg, cfg, getenv)
		if err != nil {
			return Deps{}, err
		}
		if cfg, err = ParseConfig(layered); err != nil {
			return Deps{}, err
		}
	}
	db := store.New(DynamoClient(awsCfg, cfg), cfg.TableName)
	readmodel.Of(db).SetLimit(cfg.ReadModelMaxBytes)
	return Deps{Config: cfg, Log: logger, AWS: awsCfg, DB: db, Blobs: Blobs(awsCfg, cfg)}, nil
}

// Blobs returns the store of the configured bucket, or nil without one.
// The endpoint is S3_ENDPOINT_URL, else AWS_ENDPOINT_URL (LocalStack
// serves S3 on the same one), else AWS's.
func Blobs(awsCfg aws.Config, cfg Config) *blob.Store {
	if cfg.BucketName == "" {
		return nil
	}
	ep := cfg.S3EndpointURL
	if ep == "" {
		ep = cfg.EndpointURL
	}
	return blob.New(awsCfg, ep, cfg.BucketName)
}

// DynamoClient returns the DynamoDB client. Against an emulator it skips
// the CRC32 check of responses, which DynamoDB Local does not always get
// right (the SDK would warn on every such response).
func DynamoClient(awsCfg aws.Config, cfg Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = cfg.EndpointURL != ""
	})
}

// LoadAWS loads the SDK configuration. The SDK itself honours
// AWS_ENDPOINT_URL; locally, where there are no credentials, it uses dummy
// ones so the emulators accept the requests.
func LoadAWS(ctx context.Context, cfg Config) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(cfg.Region)}
	if cfg.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(cfg.EndpointURL))
		if os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
			opts = append(opts, config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "tranche-local"}, nil
			})))
		}
	}
	c, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, errors.Join(errors.New("app: load AWS config"), err)
	}
	return c, nil
}

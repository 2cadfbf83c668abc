package stack

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// Documents (issue 13): the bucket the W-9 PDFs (and exports) live in, the
// documents queue with its dead-letter queue, the queued documents
// function's SQS trigger and sweep schedule, the generated secret that
// signs the signing page's links, and the grants of the functions that
// use them (Access.Objects, .Enqueue, .Consume, .LinkKey).

// EnvBlobBucket names the bucket on the functions that read or write
// objects (app.Deps.Blobs).
const EnvBlobBucket = app.EnvBucketName

// documentsMaxReceives is how often a job's message is tried before it
// goes to the dead-letter queue (the sweep still retries the job itself).
const documentsMaxReceives = 5

// exportsExpireDays: exports/ objects are short-lived downloads.
const exportsExpireDays = 7

// documentsSweep is the queued functions' sweep schedule.
func documentsSweep() awsscheduler.ScheduleExpression {
	return awsscheduler.ScheduleExpression_Rate(awscdk.Duration_Minutes(jsii.Number(5)))
}

type documentsResources struct {
	bucket  awss3.Bucket
	queue   awssqs.Queue
	dlq     awssqs.Queue
	linkKey awssecretsmanager.Secret
}

func newDocuments(stack awscdk.Stack, fns map[string]awslambda.Function, alarms awssns.Topic, failures awssqs.Queue) documentsResources {
	var d documentsResources
	d.bucket = awss3.NewBucket(stack, jsii.String("Documents"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN, // signed tax forms outlive a stack
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("exports"),
			Prefix:                              jsii.String("exports/"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(exportsExpireDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(d.bucket, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("Objects are written by the documents function and read through presigned links the " +
			"functions log; CloudTrail data events are the operator's choice for a per-request S3 audit."),
	}}, nil)

	d.dlq = awssqs.NewQueue(stack, jsii.String("DocumentsDeadLetters"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(d.dlq, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String("This queue is itself the dead-letter queue of the documents queue."),
	}}, nil)
	d.dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Maximum"),
	}).CreateAlarm(stack, jsii.String("DocumentsDeadLettersAlarm"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   jsii.String("Tranche documents: a W-9 job's message failed " + strconv.Itoa(documentsMaxReceives) + " times (see the DocumentsDeadLetters queue)"),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	}).AddAlarmAction(awscloudwatchactions.NewSnsAction(alarms))
	d.queue = awssqs.NewQueue(stack, jsii.String("DocumentsQueue"), &awssqs.QueueProps{
		Encryption: awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL: jsii.Bool(true),
		// Lambda's advice: six times the function's timeout, so a batch
		// being retried by Lambda is not delivered again meanwhile.
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(6 * scheduledTimeoutSeconds)),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{MaxReceiveCount: jsii.Number(documentsMaxReceives), Queue: d.dlq},
	})

	d.linkKey = awssecretsmanager.NewSecret(stack, jsii.String("DocumentLinkKey"), &awssecretsmanager.SecretProps{
		Description: jsii.String("Tranche: the key that signs the W-9 signing page's links (generated; no operator sets it)"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String("{}"),
			GenerateStringKey:    jsii.String(app.EnvDocumentLinkKey),
			PasswordLength:       jsii.Number(64),
			ExcludePunctuation:   jsii.Bool(true),
		},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(d.linkKey, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("Rotating the link key voids every signing link handed out (they live 24 hours); " +
			"rotate by deleting the value's version and redeploying, at a quiet time."),
	}}, nil)

	for _, fn := range routes.Queued {
		f := fns[fn]
		f.AddEventSource(awslambdaeventsources.NewSqsEventSource(d.queue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(10),
			ReportBatchItemFailures: jsii.Bool(true),
		}))
		newSchedule(stack, fn, f, failures, documentsSweep(), "every 5 minutes (a sweep of pending jobs)")
	}
	bucketID := stack.GetLogicalId(d.bucket.Node().DefaultChild().(awscdk.CfnElement))
	for fn, f := range fns {
		acc := AccessFor(fn)
		role := f.Role()
		if len(acc.Objects) > 0 {
			cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
				Id:        jsii.String("AwsSolutions-IAM5"),
				Reason:    jsii.String("The " + fn + " function reads (or writes) the W-9 PDFs, keyed w9/<ws>/<profile>/<version>.pdf: the prefix, not one key, is the resource."),
				AppliesTo: &[]any{"Resource::<" + *bucketID + ".Arn>/" + documentsPrefix + "*"},
			}}, jsii.Bool(true))
			f.AddEnvironment(jsii.String(EnvBlobBucket), d.bucket.BucketName(), nil)
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings(acc.Objects...),
				Resources: &[]*string{d.bucket.ArnForObjects(jsii.String(documentsPrefix + "*"))},
			}))
		}
		if acc.Enqueue {
			f.AddEnvironment(jsii.String(app.EnvDocumentsQueueURL), d.queue.QueueUrl(), nil)
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings(enqueueActions...),
				Resources: &[]*string{d.queue.QueueArn()},
			}))
		}
		if acc.LinkKey {
			f.AddEnvironment(jsii.String(app.EnvDocumentLinkSecretARN), d.linkKey.SecretArn(), nil)
			role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings(secretActions...),
				Resources: &[]*string{d.linkKey.SecretArn()},
			}))
		}
	}
	awscdk.NewCfnOutput(stack, jsii.String("DocumentsBucketName"), &awscdk.CfnOutputProps{Value: d.bucket.BucketName()})
	awscdk.NewCfnOutput(stack, jsii.String("DocumentsDeadLettersQueueUrl"), &awscdk.CfnOutputProps{Value: d.dlq.QueueUrl()})
	return d
}

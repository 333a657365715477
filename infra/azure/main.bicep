// Hybrid on Azure: the Functions app (Flex Consumption, Linux, .NET isolated) with its storage account (task hub,
// histories, audit log, Data Protection key ring, rotated secrets), Application Insights, and a Key Vault that holds the
// secrets the app starts from. One user-assigned managed identity reads the vault and deploys the package.
// Build: bicep build infra/azure/main.bicep (a test runs it). Deploy: see docs/deploy.md.

targetScope = 'resourceGroup'

@description('Base name of every resource: 3 to 11 lowercase letters and digits.')
@minLength(3)
@maxLength(11)
param name string

@description('Where everything is created.')
param location string = resourceGroup().location

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('NCRONTAB (with seconds, UTC) of the key rotation.')
param rotationSchedule string = '0 0 3 * * 0'

@description('The Ping issuer whose access tokens the API accepts (https://{pingfederate} or https://auth.pingone.{region}/{envId}/as).')
param identityAuthority string

@description('The audience the API\'s access tokens carry.')
param identityAudience string

@description('The Ping group whose members may start, read and stop every workflow (add finer rules as Identity__Policy__Rules__N__... settings).')
param identityAdminGroup string = 'hybrid-admins'

@description('NCRONTAB (with seconds, UTC) of the temporary-role sweeper.')
param sweeperSchedule string = '0 */15 * * * *'

@description('The AWS region of the bridge (Step Functions, STS).')
param awsRegion string = 'us-east-1'

@description('The bridge\'s AWS access key id (the secret goes to Key Vault). Empty: no AWS credentials.')
param awsAccessKeyId string = ''

@description('The bridge\'s AWS secret access key; stored in Key Vault only.')
@secure()
param awsSecretAccessKey string = ''

@description('Rotate the bridge\'s AWS access key on the rotation schedule.')
param rotateAwsAccessKey bool = false

@description('Which Ping management API rotates Hybrid\'s client secret.')
@allowed([
  'None'
  'PingOne'
  'PingFederate'
])
param pingKind string = 'None'

@description('PingOne: API root, environment, application, worker token endpoint and worker client.')
param pingOneApiPath string = 'https://api.pingone.com/v1'
param pingOneEnvironmentId string = ''
param pingOneApplicationId string = ''
param pingOneTokenEndpoint string = ''
param pingOneWorkerClientId string = ''

@description('PingOne: the worker client\'s secret; stored in Key Vault only.')
@secure()
param pingOneWorkerClientSecret string = ''

@description('PingFederate: administrative API root, the OAuth client that rotates, and an administrator.')
param pingFederateAdminApi string = ''
param pingFederateClientId string = ''
param pingFederateAdminUser string = ''

@description('PingFederate: the administrator\'s password; stored in Key Vault only.')
@secure()
param pingFederateAdminPassword string = ''

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('${name}${suffix}', 24)
var packageContainer = 'app-package'

// Built-in role definitions.
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource package 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: packageContainer
  properties: {
    publicAccess: 'None'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource awsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(awsSecretAccessKey)) {
  parent: vault
  name: 'aws-secret-access-key'
  properties: {
    value: awsSecretAccessKey
  }
}

resource pingOneSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pingOneWorkerClientSecret)) {
  parent: vault
  name: 'pingone-worker-client-secret'
  properties: {
    value: pingOneWorkerClientSecret
  }
}

resource pingFederateSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(pingFederateAdminPassword)) {
  parent: vault
  name: 'pingfederate-admin-password'
  properties: {
    value: pingFederateAdminPassword
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource packageWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// A Key Vault reference for an app setting; empty when the secret was not given.
var awsSecretSetting = empty(awsSecretAccessKey) ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=aws-secret-access-key)'
var pingOneSecretSetting = empty(pingOneWorkerClientSecret) ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=pingone-worker-client-secret)'
var pingFederateSecretSetting = empty(pingFederateAdminPassword) ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=pingfederate-admin-password)'

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        {
          name: 'AzureWebJobsStorage'
          value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insights.properties.ConnectionString
        }
        {
          name: 'Identity__Authority'
          value: identityAuthority
        }
        {
          name: 'Identity__Audiences__0'
          value: identityAudience
        }
        {
          name: 'Identity__TrustDevelopmentIssuer'
          value: 'false'
        }
        {
          name: 'Identity__Policy__Rules__0__Name'
          value: 'admins'
        }
        {
          name: 'Identity__Policy__Rules__0__Workflows__0'
          value: '*'
        }
        {
          name: 'Identity__Policy__Rules__0__Actions__0'
          value: 'Start'
        }
        {
          name: 'Identity__Policy__Rules__0__Actions__1'
          value: 'Read'
        }
        {
          name: 'Identity__Policy__Rules__0__Actions__2'
          value: 'Stop'
        }
        {
          name: 'Identity__Policy__Rules__0__Actions__3'
          value: 'Callback'
        }
        {
          name: 'Identity__Policy__Rules__0__Groups__0'
          value: identityAdminGroup
        }
        {
          name: 'Hybrid__Workflows'
          value: 'workflows'
        }
        {
          name: 'Hybrid__HistoryTable'
          value: 'HybridHubEvents'
        }
        {
          name: 'Hybrid__Aws__Region'
          value: awsRegion
        }
        {
          name: 'Hybrid__Aws__Endpoints__Iam'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Endpoints__StepFunctions'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Endpoints__StepFunctionsSync'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Endpoints__Sts'
          value: ''
        }
        {
          name: 'Hybrid__Aws__AttemptTimeout'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Retry__MaxAttempts'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Retry__BaseDelay'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Retry__MaxDelay'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Bridge__FirstPollInterval'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Bridge__MaxPollInterval'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Bridge__CallerField'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Federation__Mode'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Federation__RoleArn'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Federation__DurationSeconds'
          value: ''
        }
        {
          name: 'Hybrid__Aws__Sweeper__Cron'
          value: sweeperSchedule
        }
        {
          name: 'Hybrid__Aws__Sweeper__PathPrefix'
          value: '/hybrid/temporary/'
        }
        {
          name: 'Hybrid__Aws__Sweeper__ExpiryTagKey'
          value: 'hybrid:expires'
        }
        // AWSSDK.Core's default chain reads these; a rotated key in the secret store wins over them.
        {
          name: 'AWS_ACCESS_KEY_ID'
          value: awsAccessKeyId
        }
        {
          name: 'AWS_SECRET_ACCESS_KEY'
          value: awsSecretSetting
        }
        {
          name: 'Hybrid__Rotation__Schedule'
          value: rotationSchedule
        }
        {
          name: 'Hybrid__Rotation__DataProtection'
          value: 'true'
        }
        {
          name: 'Hybrid__Rotation__DataProtectionKeyLifetime'
          value: '90.00:00:00'
        }
        {
          name: 'Hybrid__Rotation__AwsAccessKey'
          value: string(rotateAwsAccessKey)
        }
        {
          name: 'Hybrid__Rotation__AwsUserName'
          value: ''
        }
        {
          name: 'Hybrid__Rotation__AwsSwitchDelay'
          value: '00:02:00'
        }
        {
          name: 'Hybrid__Rotation__AwsKeyGrace'
          value: '7.00:00:00'
        }
        {
          name: 'Hybrid__Rotation__PingGrace'
          value: '7.00:00:00'
        }
        {
          name: 'Hybrid__Rotation__StepRetryInterval'
          value: '00:00:05'
        }
        {
          name: 'Hybrid__Rotation__Ping__Kind'
          value: pingKind
        }
        {
          name: 'Hybrid__Rotation__Ping__ApiPath'
          value: pingKind == 'PingOne' ? pingOneApiPath : ''
        }
        {
          name: 'Hybrid__Rotation__Ping__EnvironmentId'
          value: pingOneEnvironmentId
        }
        {
          name: 'Hybrid__Rotation__Ping__ApplicationId'
          value: pingOneApplicationId
        }
        {
          name: 'Hybrid__Rotation__Ping__TokenEndpoint'
          value: pingOneTokenEndpoint
        }
        {
          name: 'Hybrid__Rotation__Ping__WorkerClientId'
          value: pingOneWorkerClientId
        }
        {
          name: 'Hybrid__Rotation__Ping__WorkerClientSecret'
          value: pingOneSecretSetting
        }
        {
          name: 'Hybrid__Rotation__Ping__TokenResource'
          value: ''
        }
        {
          name: 'Hybrid__Rotation__Ping__AdminApi'
          value: pingFederateAdminApi
        }
        {
          name: 'Hybrid__Rotation__Ping__ClientId'
          value: pingFederateClientId
        }
        {
          name: 'Hybrid__Rotation__Ping__AdminUser'
          value: pingFederateAdminUser
        }
        {
          name: 'Hybrid__Rotation__Ping__AdminPassword'
          value: pingFederateSecretSetting
        }
      ]
    }
  }
  dependsOn: [
    vaultReader
    packageWriter
    package
  ]
}

@description('The Function App, for `func azure functionapp publish` or `az functionapp deployment source config-zip`.')
output functionAppName string = app.name

@description('The API root: https://{host}/api/...')
output apiBaseUrl string = 'https://${app.properties.defaultHostName}/api'

@description('The Key Vault that holds the secrets the app starts from.')
output keyVaultName string = vault.name

@description('The storage account of the task hub, histories, audit, key ring and rotated secrets.')
output storageAccountName string = storage.name

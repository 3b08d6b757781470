import { EventStreams, Services } from '@engage/contracts';
import { messagingEntities } from '@engage/messaging';
import type { ServiceDefinition } from '@engage/service-runtime';
import { CompanyEntity } from '../companies/company.entity';
import { ContactChannelEntity } from '../contacts/contact-channel.entity';
import { ContactEntity } from '../contacts/contact.entity';
import { NameVocabularyEntity } from '../contacts/name-vocabulary.entity';
import { CustomFieldEntity } from '../custom-fields/custom-field.entity';
import { DealStageChangeEntity } from '../deals/deal-stage-change.entity';
import { DealEntity } from '../deals/deal.entity';
import { ImportChunkEntity } from '../imports/import-chunk.entity';
import { ImportErrorEntity } from '../imports/import-error.entity';
import { ImportJobEntity } from '../imports/import-job.entity';
import { PipelineEntity } from '../pipelines/pipeline.entity';
import { migrations } from '../migrations';
import { SCHEMA } from './schema';

export { SCHEMA };

export const crmServiceDefinition: ServiceDefinition = {
  name: Services.crm,
  schema: SCHEMA,
  entities: [
    ...messagingEntities(SCHEMA),
    CompanyEntity,
    ContactEntity,
    ContactChannelEntity,
    NameVocabularyEntity,
    PipelineEntity,
    DealEntity,
    DealStageChangeEntity,
    CustomFieldEntity,
    ImportJobEntity,
    ImportChunkEntity,
    ImportErrorEntity,
  ],
  migrations,
  stream: EventStreams.crm,
};

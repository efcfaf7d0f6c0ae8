import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor } from '../context';
import type { Actor } from '../../domain/actor';
import { Allow } from '../../access/access.decorators';
import { CredentialsService } from '../../access/credentials.service';
import { CreateCredentialInput } from '../../access/dto/credential.input';
import { CredentialModel, NewCredentialModel } from './credential.model';

@Resolver(() => CredentialModel)
export class CredentialsResolver {
  constructor(private readonly service: CredentialsService) {}

  @Allow('admin')
  @Query(() => [CredentialModel])
  credentials(): Promise<CredentialModel[]> {
    return this.service.list();
  }

  @Allow('admin')
  @Mutation(() => NewCredentialModel)
  createCredential(@CurrentActor() actor: Actor, @Args('input') input: CreateCredentialInput): Promise<NewCredentialModel> {
    return this.service.create(actor, input);
  }

  @Allow('admin')
  @Mutation(() => CredentialModel)
  revokeCredential(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<CredentialModel> {
    return this.service.revoke(actor, id);
  }
}

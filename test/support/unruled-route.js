// Boots a small Nest application on Fastify with the real, built AccessGuard, door (Authenticator) and
// error filter, registered as the API registers them, and three REST routes: one @Allow('admin'), one
// @Public, one without any rule (which no route of the real API is). Calls each with and without an
// admin token, prints one JSON line { "<route> <caller>": { status, body } }, and stops.
// The credential store is a stand-in that knows one admin token, and the link sessions one that knows none:
// what is under test is the decision.
const { join } = require('node:path');
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { APP_FILTER, APP_GUARD, NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

const dist = join(__dirname, '../../dist/libs');
const { AccessGuard } = require(`${dist}/access/access.guard`);
const { Allow, Public } = require(`${dist}/access/access.decorators`);
const { Authenticator } = require(`${dist}/access/authenticator`);
const { CredentialsService } = require(`${dist}/access/credentials.service`);
const { OidcService } = require(`${dist}/access/oidc.service`);
const { StaffSessionsService } = require(`${dist}/access/staff-sessions.service`);
const { LinksService } = require(`${dist}/links/links.service`);
const { GraphQLErrorFilter } = require(`${dist}/core/errors/graphql-errors`);
const { RUNTIME } = require(`${dist}/core/runtime/runtime`);

const ADMIN_TOKEN = 'ktt_probeAdmin';

class ProbeController {
  ruled() {
    return { answer: 'ruled' };
  }
  open() {
    return { answer: 'public' };
  }
  unruled() {
    return { answer: 'leaked' };
  }
}
const decorate = (name, ...decorators) => {
  const descriptor = Object.getOwnPropertyDescriptor(ProbeController.prototype, name);
  for (const decorator of decorators) decorator(ProbeController.prototype, name, descriptor);
};
decorate('ruled', Get('ruled'), Allow('admin'));
decorate('open', Get('open'), Public());
decorate('unruled', Get('unruled'));
Controller('probe')(ProbeController);

class ProbeModule {}
Module({
  controllers: [ProbeController],
  providers: [
    {
      provide: CredentialsService,
      useValue: { authenticate: async (token) => (token === ADMIN_TOKEN ? { id: 'credential:probe', role: 'admin', label: 'probe' } : null) },
    },
    // the door's other sources of actors, without a provider and without any session: only the token above is known
    { provide: OidcService, useValue: { config: null } },
    { provide: StaffSessionsService, useValue: { cookie: { name: 'tracker-staff' }, actorOf: async () => null } },
    { provide: LinksService, useValue: { cookie: { name: 'tracker-link' }, actorOf: async () => null } },
    Authenticator,
    { provide: RUNTIME, useValue: { config: { RATE_LIMIT_PER_MINUTE: 0, RATE_LIMIT_BURST: 0 } } },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: GraphQLErrorFilter },
  ],
})(ProbeModule);

(async () => {
  const app = await NestFactory.create(ProbeModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const answers = {};
  for (const route of ['ruled', 'open', 'unruled']) {
    for (const [caller, headers] of [
      ['admin', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['none', {}],
    ]) {
      const response = await fetch(`http://127.0.0.1:${port}/probe/${route}`, { headers });
      answers[`${route} ${caller}`] = { status: response.status, body: await response.json() };
    }
  }
  await app.close();
  process.stdout.write(`${JSON.stringify(answers)}\n`);
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

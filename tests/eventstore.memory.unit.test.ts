import { MemoryEventStore } from '../eventstore/memory.js';
import { eventStoreContract } from './eventstore.contract.js';

eventStoreContract('memory', (codec) => new MemoryEventStore(codec));

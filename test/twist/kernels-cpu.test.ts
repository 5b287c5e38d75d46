import { finiteDifferenceSuite, kernelContractSuite } from '../helpers/kernel-contract.js';

// On cpu the suite compares the backend with itself; the finite-difference check in
// model-gradient.test.ts is what checks cpu's model gradients independently.
kernelContractSuite('cpu');
finiteDifferenceSuite('cpu');

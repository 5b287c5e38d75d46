import { finiteDifferenceSuite, kernelContractSuite } from '../helpers/kernel-contract.js';

kernelContractSuite('wasm');
finiteDifferenceSuite('wasm');

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Stand-in for the Audius DelegateManager contract with directly settable delegated stake.
contract TestDelegateManager {
    mapping(address => uint256) private delegated;

    function getTotalDelegatorStake(address delegator) external view returns (uint256) {
        return delegated[delegator];
    }

    function setDelegated(address delegator, uint256 amount) external {
        delegated[delegator] = amount;
    }

    function setDelegatedBatch(address[] calldata delegators, uint256[] calldata amounts) external {
        require(delegators.length == amounts.length, "TestDelegateManager: length mismatch");
        for (uint256 i = 0; i < delegators.length; ++i) {
            delegated[delegators[i]] = amounts[i];
        }
    }
}

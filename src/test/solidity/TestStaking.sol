// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Stand-in for the Audius Staking contract: stakes are set directly, and reads for
///         selected wallets can be made to revert to exercise per-call failure handling.
contract TestStaking {
    mapping(address => uint256) private stakes;
    mapping(address => bool) public reverting;

    function totalStakedFor(address account) external view returns (uint256) {
        require(!reverting[account], "TestStaking: totalStakedFor reverted");
        return stakes[account];
    }

    function setStake(address account, uint256 amount) external {
        stakes[account] = amount;
    }

    function setStakeBatch(address[] calldata accounts, uint256[] calldata amounts) external {
        require(accounts.length == amounts.length, "TestStaking: length mismatch");
        for (uint256 i = 0; i < accounts.length; ++i) {
            stakes[accounts[i]] = amounts[i];
        }
    }

    function setReverting(address account, bool value) external {
        reverting[account] = value;
    }
}

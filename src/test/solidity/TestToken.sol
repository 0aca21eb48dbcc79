// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Minimal ERC-20 standing in for AUDIO, with unrestricted helpers so tests can
///         seed balances and move tokens between arbitrary wallets without private keys.
contract TestToken {
    string public constant name = "Audius";
    string public constant symbol = "AUDIO";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function mintBatch(address[] calldata to, uint256[] calldata values) external {
        require(to.length == values.length, "TestToken: length mismatch");
        for (uint256 i = 0; i < to.length; ++i) {
            _mint(to[i], values[i]);
        }
    }

    function forceTransfer(address from, address to, uint256 value) external {
        _move(from, to, value);
    }

    function forceTransferBatch(address[] calldata from, address[] calldata to, uint256[] calldata values) external {
        require(from.length == to.length && to.length == values.length, "TestToken: length mismatch");
        for (uint256 i = 0; i < from.length; ++i) {
            _move(from[i], to[i], values[i]);
        }
    }

    function _mint(address to, uint256 value) private {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function _move(address from, address to, uint256 value) private {
        uint256 fromBalance = balanceOf[from];
        require(fromBalance >= value, "TestToken: insufficient balance");
        unchecked {
            balanceOf[from] = fromBalance - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
